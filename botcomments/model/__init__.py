"""botcomments.model."""
