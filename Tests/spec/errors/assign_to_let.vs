let org = "lab"
org = "other"
# expect error: error[name]: cannot assign to org: it is a constant
# expect error: declare it with var to change it
# expect exit: 65
