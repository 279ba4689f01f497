"""botcomments.scoring."""
