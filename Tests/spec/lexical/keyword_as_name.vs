let for = 3
# expect error: "for" is a keyword and cannot be used as a name
# expect exit: 65
