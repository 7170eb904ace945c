write("/tmp", "x")
# expect error: cannot write /tmp: it is a directory
