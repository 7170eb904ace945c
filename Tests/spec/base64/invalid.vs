base64.decode("!!!not base64")
# expect error: not valid base64 text
