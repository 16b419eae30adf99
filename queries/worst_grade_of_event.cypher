// worst-grade-of-event
// The worst grade of an adverse event (CRS, ICANS, ...) reported with each product in each disease,
// with every finding behind it (affected of treated) and the explicit absences.
// :param event => 'cellkg:outcome-icans'
MATCH (o:Outcome {id: $event})
WITH o
MATCH (o)<-[:OF_OUTCOME]-(f:Finding)
WITH o, f
MATCH (f)<-[:HAS_FINDING]-(e:Evidence)
WITH o, f, e
MATCH (e)-[:ABOUT_PRODUCT]->(p:Product)
WITH o, f, e, p
MATCH (e)-[:IN_DISEASE]->(d:Disease)
WITH o, f, e, p, d
MATCH (e)-[:REPORTED_IN]->(s:Source)
RETURN p.name AS product, d.name AS disease, coalesce(o.abbreviation, o.name) AS event,
       max(CASE WHEN f.present = true THEN coalesce(f.max_grade, f.grade) ELSE null END) AS worst_grade,
       min(CASE WHEN f.present = false THEN f.from_grade ELSE null END) AS none_from_grade,
       sum(CASE WHEN f.present = false AND f.from_grade IS NULL THEN 1 ELSE 0 END) AS reported_absent,
       collect(DISTINCT f.name) AS findings, count(DISTINCT e) AS reports, collect(DISTINCT s.id) AS sources
ORDER BY worst_grade DESC, product, disease
