/**
 * A small JSON tree, parser and writer.
 *
 * Record bodies and case drafts cross the core's boundary as JSON, and the form screens need to
 * take them apart into fields and put them back together. This module must stay free of Android
 * (so `org.json` is out) and of extra dependencies (the JVM tests compile with kotlinc alone), so
 * it carries the few dozen lines it needs. Numbers keep their text, so nothing is rounded on the
 * way through.
 */
package org.casetrail.client

/** A JSON value. Objects keep their key order. */
sealed interface Json {
    data class Obj(val fields: Map<String, Json>) : Json
    data class Arr(val items: List<Json>) : Json
    data class Str(val value: String) : Json
    /** A number, as written (never rounded through a Double). */
    data class Num(val text: String) : Json
    data class Bool(val value: Boolean) : Json
    data object Null : Json

    /** The value at `key` of an object, or null. */
    operator fun get(key: String): Json? = (this as? Obj)?.fields?.get(key)

    /** The string, if this is one. */
    val string: String? get() = (this as? Str)?.value

    /** Compact JSON text. */
    fun render(): String = StringBuilder().also { write(this, it) }.toString()

    companion object {
        /** Parses JSON text; throws [IllegalArgumentException] if it is not valid JSON. */
        fun parse(text: String): Json = Parser(text).document()

        /** Parses JSON text, or null if it is not valid JSON. */
        fun parseOrNull(text: String): Json? =
            try {
                parse(text)
            } catch (_: IllegalArgumentException) {
                null
            }
    }
}

private fun write(v: Json, out: StringBuilder) {
    when (v) {
        is Json.Obj -> {
            out.append('{')
            v.fields.entries.forEachIndexed { i, (k, value) ->
                if (i > 0) out.append(',')
                quote(k, out)
                out.append(':')
                write(value, out)
            }
            out.append('}')
        }
        is Json.Arr -> {
            out.append('[')
            v.items.forEachIndexed { i, item ->
                if (i > 0) out.append(',')
                write(item, out)
            }
            out.append(']')
        }
        is Json.Str -> quote(v.value, out)
        is Json.Num -> out.append(v.text)
        is Json.Bool -> out.append(v.value)
        Json.Null -> out.append("null")
    }
}

private fun quote(s: String, out: StringBuilder) {
    out.append('"')
    for (c in s) {
        when {
            c == '"' -> out.append("\\\"")
            c == '\\' -> out.append("\\\\")
            c == '\n' -> out.append("\\n")
            c == '\r' -> out.append("\\r")
            c == '\t' -> out.append("\\t")
            c < ' ' -> out.append("\\u%04x".format(c.code))
            else -> out.append(c)
        }
    }
    out.append('"')
}

private val NUMBER = Regex("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")

private class Parser(private val s: String) {
    private var i = 0

    fun document(): Json {
        val v = value()
        skipSpace()
        require(i == s.length) { "trailing text at $i" }
        return v
    }

    private fun value(): Json {
        skipSpace()
        require(i < s.length) { "unexpected end" }
        return when (s[i]) {
            '{' -> obj()
            '[' -> arr()
            '"' -> Json.Str(str())
            't' -> literal("true", Json.Bool(true))
            'f' -> literal("false", Json.Bool(false))
            'n' -> literal("null", Json.Null)
            else -> num()
        }
    }

    private fun obj(): Json {
        i++
        val fields = LinkedHashMap<String, Json>()
        skipSpace()
        if (peek() == '}') {
            i++
            return Json.Obj(fields)
        }
        while (true) {
            skipSpace()
            require(peek() == '"') { "expected a key at $i" }
            val key = str()
            skipSpace()
            expect(':')
            fields[key] = value()
            skipSpace()
            if (peek() == ',') i++ else break
        }
        expect('}')
        return Json.Obj(fields)
    }

    private fun arr(): Json {
        i++
        val items = ArrayList<Json>()
        skipSpace()
        if (peek() == ']') {
            i++
            return Json.Arr(items)
        }
        while (true) {
            items += value()
            skipSpace()
            if (peek() == ',') i++ else break
        }
        expect(']')
        return Json.Arr(items)
    }

    private fun str(): String {
        expect('"')
        val out = StringBuilder()
        while (true) {
            require(i < s.length) { "unterminated string" }
            val c = s[i++]
            when {
                c == '"' -> return out.toString()
                c == '\\' -> {
                    require(i < s.length) { "unterminated escape" }
                    when (val e = s[i++]) {
                        '"', '\\', '/' -> out.append(e)
                        'b' -> out.append('\b')
                        'f' -> out.append('\u000c')
                        'n' -> out.append('\n')
                        'r' -> out.append('\r')
                        't' -> out.append('\t')
                        'u' -> {
                            require(i + 4 <= s.length) { "short \\u escape" }
                            val code = s.substring(i, i + 4).toIntOrNull(16)
                            requireNotNull(code) { "bad \\u escape at $i" }
                            out.append(code.toChar())
                            i += 4
                        }
                        else -> throw IllegalArgumentException("bad escape \\$e")
                    }
                }
                c < ' ' -> throw IllegalArgumentException("control character in string")
                else -> out.append(c)
            }
        }
    }

    private fun num(): Json {
        val m = NUMBER.matchAt(s, i) ?: throw IllegalArgumentException("unexpected '${s[i]}' at $i")
        i = m.range.last + 1
        return Json.Num(m.value)
    }

    private fun literal(word: String, v: Json): Json {
        require(s.startsWith(word, i)) { "unexpected text at $i" }
        i += word.length
        return v
    }

    private fun peek(): Char? = s.getOrNull(i)

    private fun expect(c: Char) {
        require(peek() == c) { "expected '$c' at $i" }
        i++
    }

    private fun skipSpace() {
        while (i < s.length && s[i].isWhitespace()) i++
    }
}
