let x = 1
param count = 3, doc: "count ${x}"
# expect error: the doc of parameter count must be a plain string in quotes
# expect exit: 65
