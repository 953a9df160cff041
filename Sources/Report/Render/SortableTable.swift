import Core

/// The report's long tables (inputs, changes per input): a filter box, then a scrollable table whose columns sort
/// as text or as numbers. Both views write theirs through this, so the markup the page's script and style expect
/// is written in one place.
enum SortableTable {
    /// A column's heading and how it sorts; numeric columns are also right-aligned.
    struct Column {
        let title: String
        let sort: String
        let aligned: Bool

        static func text(_ title: String) -> Column { Column(title: title, sort: "text", aligned: false) }
        static func number(_ title: String) -> Column { Column(title: title, sort: "num", aligned: true) }
        /// Sorted by number but not right-aligned (a badge column).
        static func sortedAsNumber(_ title: String) -> Column { Column(title: title, sort: "num", aligned: false) }
    }

    /// The filter box and the table `id`, with its header row; `rows` writes the body's rows.
    static func write(_ m: Markup, id: String, placeholder: String, columns: [Column], rows: () -> Void) {
        Page.filter(m, table: id, placeholder: placeholder)
        m.el(.div, .cls("tablewrap")) {
            m.el(.table, .id(id)) {
                m.el(.thead) {
                    m.el(.tr) {
                        for column in columns {
                            if column.aligned {
                                m.el(.th, .cls("num"), .data(.sort, column.sort), text: column.title)
                            } else {
                                m.el(.th, .data(.sort, column.sort), text: column.title)
                            }
                        }
                    }
                }
                m.el(.tbody, body: rows)
            }
        }
    }
}
