"""Pure functions (no database): the functional core of the collection engine."""
