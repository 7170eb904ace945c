cidr("10.0.0.0/8").overlaps(42)
# expect error: error[type]: cidr.overlaps() takes a cidr or its text, not int
