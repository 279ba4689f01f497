"""botcomments.quantify."""
