base64.encode(12)
# expect error: base64.encode(): argument text must be a string, not int
