/* schedstat files; see pv_schedstat.h. */
#include "pv_schedstat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "pv_fs.h"

int pv_schedstat_parse(const char *content, struct pv_schedstat *ret)
{
	const char *p = content;
	uint64_t v[3];
	int i;

	for (i = 0; i < 3; i++)
		if (pv_parse_scan_u64(&p, &v[i]) < 0)
			return -EINVAL;
	while (*p == ' ' || *p == '\n')
		p++;
	if (*p != '\0')
		return -EINVAL;
	ret->run_ns = v[0];
	ret->delay_ns = v[1];
	ret->slices = v[2];
	return 0;
}

int pv_schedstat_open_task(pid_t pid, pid_t tid)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "%d/task/%d/schedstat", (int)pid, (int)tid);
	return pv_fs_open(PV_PROC, rel, O_RDONLY);
}

int pv_schedstat_open_self(void)
{
	return pv_fs_open(PV_PROC, "thread-self/schedstat", O_RDONLY);
}

int pv_schedstat_pread(int fd, struct pv_schedstat *ret)
{
	/* three 20-digit numbers and blanks */
	char buf[128];
	int rc = pv_fs_pread_all(fd, buf, sizeof(buf), NULL);

	if (rc < 0)
		return rc == -ESRCH ? -ENOENT : rc == -EFBIG ? -EINVAL : rc;
	return pv_schedstat_parse(buf, ret);
}

int pv_schedstat_read(pid_t pid, pid_t tid, struct pv_schedstat *ret)
{
	int fd = pv_schedstat_open_task(pid, tid);
	int rc;

	if (fd < 0)
		return fd == -ESRCH ? -ENOENT : fd;
	rc = pv_schedstat_pread(fd, ret);
	close(fd);
	return rc;
}
