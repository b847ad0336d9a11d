#define BOOST_TEST_MODULE parcours
#include <boost/test/unit_test.hpp>
