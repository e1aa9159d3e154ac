/** Tests of the small JSON tree the forms use to take record bodies apart and back. */
package org.casetrail.client

import kotlin.test.assertEquals
import kotlin.test.assertNull

fun jsonRoundTrip() {
    val text = """{"doc_no":"望统询〔2026〕7号","n":-12.50e3,"ok":true,"none":null,""" +
        """"qa":[{"q":"引号\"与\\斜杠\n换行"}],"e":{},"u":"\u0001"}"""
    val v = Json.parse(text)
    assertEquals("望统询〔2026〕7号", v["doc_no"]?.string)
    assertEquals(Json.Num("-12.50e3"), v["n"])
    assertEquals(Json.Null, v["none"])
    assertEquals("引号\"与\\斜杠\n换行", (v["qa"] as Json.Arr).items.single()["q"]?.string)
    assertEquals(v, Json.parse(v.render()))
    assertEquals(text, v.render(), "escapes and number text survive unchanged")
    assertEquals(Json.Str("é"), Json.parse("\"\\u00e9\""))
}

fun jsonRefusesInvalidText() {
    for (bad in listOf("", "{", "[1,]", "{\"a\" 1}", "tru", "01", "\"\\x\"", "{} x", "\"a\nb\"")) {
        assertNull(Json.parseOrNull(bad), "accepted <$bad>")
    }
}
