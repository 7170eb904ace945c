json.decode("{\"a\": 1,\n \"b\" 2}")
# expect error: error[value]: invalid JSON at line 2, column 6: expected : after the key
# expect error: check quotes, commas and brackets
