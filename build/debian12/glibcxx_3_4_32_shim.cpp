// Debian 12's libstdc++ (GLIBCXX_3.4.30) lacks the one GCC 13 symbol TorchSharp's binding references:
// std::ios_base_library_init(), which only makes sure the standard streams are initialised.
#include <ios>

namespace std
{
    __attribute__((visibility("default"))) void ios_base_library_init()
    {
        static ios_base::Init init;
    }
}
