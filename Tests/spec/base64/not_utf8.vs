base64.decode("/w==")
# expect error: the decoded bytes are not UTF-8 text
