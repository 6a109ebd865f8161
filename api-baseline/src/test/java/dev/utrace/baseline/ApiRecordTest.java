package dev.utrace.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import aQute.bnd.service.diff.Delta;
import aQute.bnd.service.diff.Tree.Data;
import aQute.bnd.service.diff.Type;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The record's text format: what is written reads back as the same bnd tree, and a bad file says where. */
class ApiRecordTest {
    private static Data leaf(Type type, String name, Delta add, Delta rem) {
        return ApiRecord.node(type, name, add, rem, null);
    }

    private static ApiRecord sample() {
        Data annotated = ApiRecord.node(Type.ANNOTATED, "syn.Note", Delta.CHANGED, Delta.CHANGED, new Data[] {
                leaf(Type.PROPERTY, "value='two  spaces, a \\ backslash'", Delta.CHANGED, Delta.CHANGED),
                leaf(Type.PROPERTY, "text='line\nbreak\ttab'", Delta.CHANGED, Delta.CHANGED),
                leaf(Type.PROPERTY, "pad='trailing '", Delta.CHANGED, Delta.CHANGED),
                leaf(Type.PROPERTY, "raw=\\u0041 ", Delta.CHANGED, Delta.CHANGED),
                leaf(Type.PROPERTY, "", Delta.CHANGED, Delta.CHANGED)});
        Data method = ApiRecord.node(Type.METHOD, "run(java.lang.String[])", Delta.MAJOR, Delta.MINOR,
                new Data[] {leaf(Type.RETURN, "void", Delta.MINOR, Delta.MAJOR), annotated});
        Data type = ApiRecord.node(Type.INTERFACE, "syn.api.Job", Delta.MINOR, Delta.MAJOR, new Data[] {method});
        Data pkg = ApiRecord.node(Type.PACKAGE, "syn.api", Delta.MINOR, Delta.MAJOR,
                new Data[] {type, leaf(Type.VERSION, "1.2.3", Delta.IGNORED, Delta.IGNORED)});
        Data other = ApiRecord.node(Type.PACKAGE, "syn.aaa", Delta.MINOR, Delta.MAJOR, null);
        return new ApiRecord("syn.bundle", List.of(pkg, other));
    }

    @Test
    void whatIsWrittenReadsBackAsTheSameTree() throws Exception {
        ApiRecord written = sample();

        ApiRecord read = ApiRecord.parse(written.text());

        assertEquals(written.text(), read.text());
        assertEquals("syn.bundle", read.bsn);
        assertEquals(Delta.UNCHANGED, written.tree().diff(read.tree()).getDelta());
        assertEquals("1.2.3", read.exports().get("syn.api").get("version"));
        assertEquals(null, read.exports().get("syn.aaa").get("version"));
    }

    @Test
    void elementsAreWrittenOneALineIndentedByDepthNamesEscaped() {
        String text = sample().text();

        assertEquals("""
                format 1
                bundle syn.bundle
                PACKAGE MINOR/MAJOR syn.aaa
                PACKAGE MINOR/MAJOR syn.api
                  INTERFACE MINOR/MAJOR syn.api.Job
                    METHOD MAJOR/MINOR run(java.lang.String[])
                      ANNOTATED CHANGED/CHANGED syn.Note
                        PROPERTY CHANGED/CHANGED
                        PROPERTY CHANGED/CHANGED pad='trailing '
                        PROPERTY CHANGED/CHANGED raw=\\\\u0041\\u0020
                        PROPERTY CHANGED/CHANGED text='line\\u000abreak\\u0009tab'
                        PROPERTY CHANGED/CHANGED value='two  spaces, a \\\\ backslash'
                      RETURN MINOR/MAJOR void
                  VERSION IGNORED/IGNORED 1.2.3
                """, text.substring(text.indexOf("\nformat ") + 1));
    }

    @Test
    void aChangedElementShowsInBndsDiff() throws Exception {
        String changed = sample().text().replace("RETURN MINOR/MAJOR void", "RETURN MINOR/MAJOR int");

        Delta delta = ApiRecord.parse(changed).tree().diff(sample().tree()).getDelta();

        assertEquals(Delta.MAJOR, delta);
    }

    @Test
    void aBadFileSaysWhichLineAndWhatIsWrong() {
        assertBad("line 1: expected 'format 1' first, found 'bundle x'", "bundle x\n");
        assertBad("line 2: this build reads format 1, the file says 'format 2'", "# c\nformat 2\n");
        assertBad("line 2: expected 'bundle <symbolic name>', found 'PACKAGE MINOR/MAJOR a'", "format 1\nPACKAGE MINOR/MAJOR a\n");
        assertBad("line 3: a top-level element is a PACKAGE, not CLASS", "format 1\nbundle b\nCLASS MINOR/MAJOR a.B\n");
        assertBad("line 4: indented by 3 spaces; each level is 2", "format 1\nbundle b\nPACKAGE MINOR/MAJOR a\n   CLASS MINOR/MAJOR a.B\n");
        assertBad("line 4: indented 2 levels under an element at level 0",
                "format 1\nbundle b\nPACKAGE MINOR/MAJOR a\n    CLASS MINOR/MAJOR a.B\n");
        assertBad("line 3: unknown delta 'BIG'", "format 1\nbundle b\nPACKAGE MINOR/BIG a\n");
        assertBad("line 3: expected IF-ADDED/IF-REMOVED after PACKAGE, found 'MINOR'", "format 1\nbundle b\nPACKAGE MINOR a\n");
        assertBad("line 3: a backslash starts \\\\ or \\uXXXX, found '\\x'", "format 1\nbundle b\nPACKAGE MINOR/MAJOR a\\x\n");
        assertBad("line 1: no 'format' and 'bundle' lines: not an API record", "\n");
    }

    private static void assertBad(String message, String text) {
        ApiRecord.FormatException e = assertThrows(ApiRecord.FormatException.class, () -> ApiRecord.parse(text));
        assertEquals(message, e.getMessage());
    }
}
