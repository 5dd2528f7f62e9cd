"""The wholesale gateway's application layer: lifecycles recorded as events, projections, actions."""
