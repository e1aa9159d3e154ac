/**
 * Facts about a case that the screens need but the core hands over only inside the case draft
 * JSON: who the officers are (the refusal sheet's noting officer, the capturing officer) and who
 * the parties are.
 */
package org.casetrail.client

/** An officer on the case: name and 执法证号. */
data class OfficerRef(val name: String, val certNo: String)

/** A party of the case: id (as record bodies reference it) and name. */
data class PartyRef(val id: String, val name: String)

/** The officers of a case, from its draft JSON; empty if the JSON has none. */
fun officersOf(draftJson: String): List<OfficerRef> =
    items(draftJson, "officers").mapNotNull { o ->
        val cert = o["cert_no"]?.string ?: return@mapNotNull null
        OfficerRef(o["name"]?.string.orEmpty(), cert)
    }

/** The parties of a case, from its draft JSON; empty if the JSON has none. */
fun partiesOf(draftJson: String): List<PartyRef> =
    items(draftJson, "parties").mapNotNull { p ->
        val id = p["id"]?.string ?: return@mapNotNull null
        PartyRef(id, p["name"]?.string.orEmpty())
    }

private fun items(json: String, key: String): List<Json> =
    (Json.parseOrNull(json)?.get(key) as? Json.Arr)?.items.orEmpty()
