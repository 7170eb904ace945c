# Declares ipCount with another default than _net.vs.
param ipCount = 12
