"""The operator dashboard: runs, what they changed, what is on, and where data came from."""
