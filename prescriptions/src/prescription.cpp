#include "tc/prescriptions/prescription.hpp"

namespace tc::prescriptions {

int ageInYears(std::chrono::year_month_day birth, std::chrono::year_month_day on) noexcept {
    using namespace std::chrono;
    int years = static_cast<int>(on.year()) - static_cast<int>(birth.year());
    const auto birthMonth = static_cast<unsigned>(birth.month());
    const auto onMonth = static_cast<unsigned>(on.month());
    unsigned birthDay = static_cast<unsigned>(birth.day());
    // Born on 29 February: in a common year the birthday falls on 1 March.
    if (birthMonth == 2 && birthDay == 29 && !on.year().is_leap()) {
        if (onMonth == 2) {
            return years - 1;
        }
        birthDay = 0; // any day of March onwards has passed it
    }
    if (onMonth < birthMonth ||
        (onMonth == birthMonth && static_cast<unsigned>(on.day()) < birthDay)) {
        --years;
    }
    return years;
}

} // namespace tc::prescriptions
