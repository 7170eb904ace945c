# A parameter is a constant of the script: assigning to it is an error before anything runs.
param ipCount = 8
print("never")
ipCount = 9
# expect error: ipCount
# expect exit: 65
