#include "json.h"

char *kb_json_dumps(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
}

const char *kb_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}
