package vn.guardian.moderation.cli;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An evaluation file: RFC 4180 CSV with a header row naming a {@code text} and a {@code label} column (any order,
 * other columns ignored). Quoted fields may hold commas, line breaks and doubled quotes.
 */
final class LabeledCsv {

    /** One labeled text. */
    record Row(int line, String text, String label) {
    }

    private LabeledCsv() {
    }

    /** The rows of {@code reader}; {@code source} names it in error messages. */
    static List<Row> read(String source, Reader reader) throws IOException {
        List<List<String>> records = records(source, reader);
        if (records.isEmpty()) {
            throw new IllegalArgumentException(source + " is empty; expected a header row 'text,label'");
        }
        List<String> header = records.get(0);
        int text = column(header, "text", source);
        int label = column(header, "label", source);
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < records.size(); i++) {
            List<String> record = records.get(i);
            if (record.size() == 1 && record.get(0).isEmpty()) {
                continue; // blank line
            }
            if (record.size() <= Math.max(text, label)) {
                throw new IllegalArgumentException(source + " record " + (i + 1) + " has " + record.size()
                        + " fields but the header has " + header.size() + "; quote fields that contain commas");
            }
            rows.add(new Row(i + 1, record.get(text), record.get(label).trim().toLowerCase(Locale.ROOT)));
        }
        return rows;
    }

    private static int column(List<String> header, String name, String source) {
        for (int i = 0; i < header.size(); i++) {
            if (header.get(i).trim().replace("\uFEFF", "").equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(source + " header " + header + " has no '" + name
                + "' column; the first row must name the columns, e.g. 'text,label'");
    }

    /** All records, each a list of fields, quotes removed. */
    static List<List<String>> records(String source, Reader reader) throws IOException {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        int record1 = 1;
        int c = reader.read();
        while (c != -1) {
            any = true;
            if (quoted) {
                if (c == '"') {
                    int next = reader.read();
                    if (next == '"') {
                        field.append('"');
                        c = reader.read();
                    } else {
                        quoted = false;
                        c = next;
                    }
                    continue;
                }
                field.append((char) c);
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' || c == '\n') {
                if (c == '\r') {
                    c = reader.read();
                    if (c != '\n') {
                        record.add(field.toString());
                        field.setLength(0);
                        records.add(record);
                        record = new ArrayList<>();
                        any = false;
                        record1++;
                        continue;
                    }
                }
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                any = false;
                record1++;
            } else {
                field.append((char) c);
            }
            c = reader.read();
        }
        if (quoted) {
            throw new IllegalArgumentException(source + ": a quoted field opened in record " + record1
                    + " never closes; end it with '\"' and write quotes inside a field as '\"\"'");
        }
        if (any) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }
}
