# isMain() is true in the script being run, false in an imported module (also in its functions).
import "./_lib/main_aware.vs" as aware
print(isMain(), aware.whereAmI())
# expect: module part, isMain: false
# expect: true false
