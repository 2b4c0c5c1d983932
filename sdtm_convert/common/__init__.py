"""Small helpers shared by several stages and commands (see docs/house-v2.md, "Shared helpers")."""
