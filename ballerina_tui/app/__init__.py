"""The Textual app. Everything it shows comes from the engine modules; widgets stay thin."""
