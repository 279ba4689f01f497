"""botcomments.fusion."""
