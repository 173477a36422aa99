"""Pure functions (no database): late-payment interest and NBP files."""
