json.decode("\"abc")
# expect error: unterminated string
