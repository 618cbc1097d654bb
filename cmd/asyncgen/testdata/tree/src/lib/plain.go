package lib

// Name is an ordinary declaration in an ordinary file.
const Name = "lib"
