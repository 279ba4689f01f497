"""botcomments.io."""
