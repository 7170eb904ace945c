# A misspelt parameter is an unknown name, found before the script runs, with a did-you-mean.
param ipCount = 8
print("never")
print(ipCuont)
# expect error: ipCuont
# expect error: did you mean "ipCount"?
# expect exit: 65
