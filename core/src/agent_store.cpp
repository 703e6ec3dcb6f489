#include "muster/core/agent_store.hpp"

namespace muster {

std::string_view toString(DeviceStatus status) {
    switch (status) {
        case DeviceStatus::pending:
            return "pending";
        case DeviceStatus::approved:
            return "approved";
        case DeviceStatus::rejected:
            return "rejected";
    }
    return "pending";
}

std::optional<DeviceStatus> parseDeviceStatus(std::string_view text) {
    for (DeviceStatus status :
         {DeviceStatus::pending, DeviceStatus::approved, DeviceStatus::rejected}) {
        if (toString(status) == text) return status;
    }
    return std::nullopt;
}

}  // namespace muster
