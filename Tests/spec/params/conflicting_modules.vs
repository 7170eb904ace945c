# Two modules that declare one parameter with different defaults: an error when the second runs
# (the command line finds it before anything runs).
import "_shared/_net.vs" as net
import "_shared/_other_default.vs" as other
print("never")
# expect error: parameter ipCount is declared differently at
# expect exit: 1
