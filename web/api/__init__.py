"""The GraphQL API at /graphql."""
