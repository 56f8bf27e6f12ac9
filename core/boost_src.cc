// Boost.JSON and Boost.URL are compiled here once, header-only style (Debian's 1.81
// package ships no compiled libraries for them).
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
