import Foundation

/// Days of the week and an hour range in a time zone (`09:00-17:00`, wrapping past midnight is allowed).
struct TimeWindow: Sendable, Hashable, CustomStringConvertible {
    /// 1 = Sunday … 7 = Saturday (Foundation's numbering); empty means every day.
    let days: Set<Int>
    /// Minutes since midnight; `start == end` means the whole day.
    let start: Int
    let end: Int
    let timeZone: TimeZone
    /// Inverts the window ("outside business hours").
    let outside: Bool
    private let calendar: Calendar

    static let dayNames = ["sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7]

    init(days: Set<Int>, start: Int, end: Int, timeZone: TimeZone, outside: Bool) {
        self.days = days
        self.start = start
        self.end = end
        self.timeZone = timeZone
        self.outside = outside
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    func contains(_ date: Date) -> Bool {
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        let minute = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        let dayOK = days.isEmpty || days.contains(parts.weekday ?? 0)
        let hourOK: Bool
        if start == end {
            hourOK = true
        } else if start < end {
            hourOK = minute >= start && minute < end
        } else {
            hourOK = minute >= start || minute < end
        }
        return (dayOK && hourOK) != outside
    }

    var description: String {
        let names = Self.dayNames.sorted { $0.value < $1.value }.filter { days.contains($0.value) }.map(\.key)
        let dayText = days.isEmpty ? "every day" : names.joined(separator: ",")
        let hours = start == end ? "all day" : "\(Self.clock(start))-\(Self.clock(end))"
        return "\(outside ? "outside " : "")\(dayText) \(hours) \(timeZone.identifier)"
    }

    /// Parses `HH:MM` into minutes since midnight (`24:00` is allowed as an end).
    static func minutes(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }),
              let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 1440
        else { return nil }
        return hour * 60 + minute
    }

    private static func clock(_ minutes: Int) -> String {
        let hour = minutes / 60, minute = minutes % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }
}
