# check: judges the value when the parameter is bound; false ends the run as a usage error.
param ipCount = 0, doc: "IP block", check: fn(n) { n >= 1 }
print("never")
# expect error: error: parameter ipCount: 0 is refused by its check fn(n) { n >= 1 }
# expect exit: 2
