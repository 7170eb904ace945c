# A module's parameters are the importer's too, merged by name: `param NAME` without a type takes
# the declaration of the module that gives one, and the same value.
import "_shared/_net.vs" as net
param gateway
param ipCount
print(gateway, ipCount, net.describe())   # expect: gw-capvcd 8 gw-capvcd/8
print(net.gateway)                       # expect: gw-capvcd
