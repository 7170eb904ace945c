# eprint() writes to standard error: nothing of it is the script's output.
eprint("working on", 3, "networks")
print("done")  # expect: done
