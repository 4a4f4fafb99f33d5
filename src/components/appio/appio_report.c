/* Report transport and formatting for papi_appio_run; see appio_report.h. */
#include "appio_report.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "appio_clock.h"
#include "appio_events.h"

static const char appio_report_magic[] = "papi-appio-slots ";

static size_t appio_fmt_u64(uint64_t v, char *out)
{
	char tmp[21];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

int appio_report_serialize(const uint64_t *slots, char *buf, size_t len)
{
	size_t pos = 0;
	char num[24];
	size_t n;
#define APPIO_PUT(p, l)                          \
	do {                                     \
		if (pos + (l) >= len)            \
			return -ENOSPC;          \
		memcpy(buf + pos, (p), (l));     \
		pos += (l);                      \
	} while (0)
	APPIO_PUT(appio_report_magic, sizeof(appio_report_magic) - 1);
	n = appio_fmt_u64(APPIO_NSLOTS, num);
	APPIO_PUT(num, n);
	APPIO_PUT(" ns\n", 4);
	for (unsigned i = 0; i < APPIO_NSLOTS; i++) {
		n = appio_fmt_u64(slots[i], num);
		num[n++] = '\n';
		APPIO_PUT(num, n);
	}
#undef APPIO_PUT
	buf[pos] = 0;
	return (int)pos;
}

static int appio_parse_u64_line(const char **pp, uint64_t *ret)
{
	const char *p = *pp;
	uint64_t v = 0;
	if (*p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
		p++;
	}
	*ret = v;
	*pp = p;
	return 0;
}

int appio_report_parse(const char *text, uint64_t *ret_slots)
{
	uint64_t n, tmp[APPIO_NSLOTS];
	const char *p = text;
	if (strncmp(p, appio_report_magic, sizeof(appio_report_magic) - 1) != 0)
		return -EINVAL;
	p += sizeof(appio_report_magic) - 1;
	if (appio_parse_u64_line(&p, &n) < 0 || n != APPIO_NSLOTS || strncmp(p, " ns\n", 4) != 0)
		return -EINVAL;
	p += 4;
	for (unsigned i = 0; i < APPIO_NSLOTS; i++) {
		if (appio_parse_u64_line(&p, &tmp[i]) < 0 || *p != '\n')
			return -EINVAL;
		p++;
	}
	if (*p)
		return -EINVAL;
	memcpy(ret_slots, tmp, sizeof(tmp));
	return 0;
}

void appio_report_ticks_to_ns(uint64_t *slots)
{
	for (unsigned i = 0; i < APPIO_NSLOTS; i++)
		if (appio_events_slot_is_ticks(i))
			slots[i] = appio_clock_ticks_to_ns(slots[i]);
}

int appio_report_table(FILE *out, const uint64_t *slots_ns, int all)
{
	fprintf(out, "%-26s %20s  %s\n", "appio event (process)", "value", "units");
	for (unsigned i = 0; i < appio_events_count; i++) {
		int64_t v = appio_events_value(&appio_events[i], slots_ns, 1);
		if (v || all)
			fprintf(out, "%-26s %20" PRId64 "  %s\n", appio_events[i].name, v, appio_events[i].units);
	}
	return ferror(out) ? -EIO : 0;
}

void appio_report_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

int appio_report_json(FILE *out, const uint64_t *slots_ns, char *const *argv, int exit_status)
{
	fputs("{\"command\": [", out);
	for (int i = 0; argv && argv[i]; i++) {
		if (i)
			fputs(", ", out);
		appio_report_json_string(out, argv[i]);
	}
	fputs("], ", out);
	if (exit_status >= 0)
		fprintf(out, "\"exit_status\": %d, \"signal\": null, ", exit_status);
	else
		fprintf(out, "\"exit_status\": null, \"signal\": %d, ", -exit_status);
	fputs("\"scope\": \"process\", \"events\": {", out);
	for (unsigned i = 0; i < appio_events_count; i++)
		fprintf(out, "%s\"%s\": %" PRId64, i ? ", " : "", appio_events[i].name,
			appio_events_value(&appio_events[i], slots_ns, 1));
	fputs("}}\n", out);
	return ferror(out) ? -EIO : 0;
}
