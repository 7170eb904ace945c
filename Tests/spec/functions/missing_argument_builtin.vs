cidr()
# expect error: cidr() is missing argument text
