"""ECS task stops captured and archived, and the alert topic every alarm notifies."""
