fn connect(host, user) { host }
connect("h")
# expect error: connect() is missing argument user
