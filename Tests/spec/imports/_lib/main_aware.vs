# A module that is also a script: its own part runs only when it is the script being run.
fn whereAmI() { isMain() }
print("module part, isMain:", isMain())
if isMain() { print("script part: not reached when imported") }
