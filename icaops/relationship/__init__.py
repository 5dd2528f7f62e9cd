"""The relationship between the parties as a log of dated events, and state computed from it."""
