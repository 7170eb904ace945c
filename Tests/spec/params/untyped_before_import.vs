# A `param NAME` without a type reads the value of the module that declares it: import it first.
param gateway
import "_shared/_net.vs" as net
# expect error: parameter gateway is declared by a module that has not run yet
# expect exit: 1
