# A module that imports the script being run back is a cycle too.
import "./_lib/imports_main.vs" as helper
print("not reached")
# expect error: error[import]: import cycle: cycle_through_main.vs -> imports_main.vs -> cycle_through_main.vs
