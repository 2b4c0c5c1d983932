"""define.xml: :mod:`.read` is the one reader (the validator's view and define.html's model)."""
